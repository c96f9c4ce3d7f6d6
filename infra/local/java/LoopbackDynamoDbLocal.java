// Starts DynamoDB Local exactly as its own command line does, except that its HTTP listener binds to
// one address (127.0.0.1 unless -Dgridvend.bind.host says otherwise) instead of every interface:
// DynamoDB Local has no option for that. Run with the source launcher:
//   java -Djava.library.path=<lib> -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java -port P -inMemory
import java.lang.reflect.Field;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDbLocal {
    public static void main(String[] args) throws Exception {
        String bindHost = System.getProperty("gridvend.bind.host", "127.0.0.1");
        DynamoDBProxyServer proxyServer = ServerRunner.createServerFromCommandLineArgs(args);
        Field jettyServerField = DynamoDBProxyServer.class.getDeclaredField("server");
        jettyServerField.setAccessible(true);
        Server jettyServer = (Server) jettyServerField.get(proxyServer);
        for (Connector connector : jettyServer.getConnectors()) {
            if (connector instanceof AbstractNetworkConnector networkConnector) {
                networkConnector.setHost(bindHost);
            }
        }
        proxyServer.start();
        proxyServer.join();
    }
}
