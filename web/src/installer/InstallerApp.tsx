// The installer's phone app (route /installer): assigned work orders, installation per order, and
// an outbox that sends what was saved while offline as soon as the network is back.

import { Alert, Badge, Button, Empty, List, Space, Tag, Typography, message } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";

import { isNotFound } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { LanguageSwitch } from "../console/LanguageSwitch";
import { LoginPage } from "../console/LoginPage";
import { InstallationPage } from "./InstallationPage";
import { Outbox, type OutboxEntry } from "./outbox";
import { myOpenWorkOrders, sendInstallation, type WorkOrder } from "./workOrders";

const RETRY_EVERY_MS = 30_000;

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export function InstallerApp() {
  const { session, me, t, signOut } = useApp();
  if (!session) return <LoginPage title={`${t("app.title")} · ${t("installer.title")}`} />;
  if (!me) return <Typography.Text>{t("common.loading")}</Typography.Text>;
  return (
    <div className="installer">
      <header className="installer-header">
        <Typography.Text strong>{t("installer.title")}</Typography.Text>
        <Space size="small">
          <Typography.Text>{me.username}</Typography.Text>
          <LanguageSwitch />
          <Button size="small" onClick={signOut}>
            {t("common.logout")}
          </Button>
        </Space>
      </header>
      <WorkOrders />
    </div>
  );
}

function WorkOrders() {
  const { client, me, t } = useApp();
  const online = useOnline();
  const outbox = useMemo(() => new Outbox(), []);
  const [waiting, setWaiting] = useState<OutboxEntry[]>([]);
  const [open, setOpen] = useState<WorkOrder | null>(null);
  const [notice, noticeHolder] = message.useMessage();
  const [ordersVersion, setOrdersVersion] = useState(0);
  const orders = useAsync(() => myOpenWorkOrders(client, me?.username ?? ""), [client, me, ordersVersion]);

  const refreshOutbox = useCallback(async () => setWaiting(await outbox.list()), [outbox]);
  const flush = useCallback(async () => {
    const { sent } = await outbox.flush((entry) => sendInstallation(client, entry));
    if (sent > 0) {
      void notice.success(t("installer.sent"));
      setOrdersVersion((version) => version + 1);
    }
    await refreshOutbox();
  }, [client, notice, outbox, refreshOutbox, t]);

  useEffect(() => {
    void refreshOutbox();
  }, [refreshOutbox]);
  useEffect(() => {
    if (!online) return;
    void flush();
    const timer = window.setInterval(() => void flush(), RETRY_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [online, flush]);

  async function queue(order: WorkOrder, body: Record<string, unknown>) {
    await outbox.add(order.id, body);
    setOpen(null);
    void notice.info(t("installer.queued"));
    await refreshOutbox();
    if (navigator.onLine) await flush();
  }

  const pending = waiting.filter((entry) => !entry.rejectedReason);
  const rejected = waiting.filter((entry) => entry.rejectedReason);

  return (
    <main className="installer-main">
      {noticeHolder}
      <Space wrap style={{ marginBottom: 8 }}>
        {!online && <Tag color="orange">{t("installer.offline")}</Tag>}
        {pending.length > 0 && (
          <>
            <Badge count={pending.length} />
            <Typography.Text data-testid="pending-count">{t("installer.pending", { count: pending.length })}</Typography.Text>
            <Button size="small" onClick={() => void flush()} disabled={!online}>
              {t("installer.sendNow")}
            </Button>
          </>
        )}
      </Space>
      {rejected.map((entry) => (
        <Alert
          key={entry.id}
          type="error"
          closable={{ onClose: () => void outbox.remove(entry.id).then(refreshOutbox) }}
          data-testid="rejected-submission"
          style={{ marginBottom: 8 }}
          title={t("installer.rejected", { reason: entry.rejectedReason ?? "" })}
        />
      ))}
      {open ? (
        <InstallationPage order={open} onQueued={(body) => queue(open, body)} onBack={() => setOpen(null)} />
      ) : (
        <>
          <Typography.Title level={4}>{t("installer.workOrders")}</Typography.Title>
          {orders.error ? (
            <Empty description={isNotFound(orders.error) ? t("common.notAvailable") : orders.error.message} />
          ) : (
            <List<WorkOrder>
              loading={orders.loading}
              dataSource={(orders.data ?? []).filter((order) => !waiting.some((entry) => entry.workOrderId === order.id && !entry.rejectedReason))}
              locale={{ emptyText: t("installer.noOrders") }}
              renderItem={(order) => (
                <List.Item onClick={() => setOpen(order)} className="work-order" actions={[<Tag key="state">{order.state}</Tag>]}>
                  <List.Item.Meta
                    title={order.serial}
                    description={[order.assigned_date, order.remark].filter(Boolean).join(" · ")}
                  />
                </List.Item>
              )}
            />
          )}
        </>
      )}
    </main>
  );
}
