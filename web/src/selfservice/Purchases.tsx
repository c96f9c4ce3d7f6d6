import type { Purchase } from "./logic";

export function Purchases({ purchases }: { purchases: Purchase[] }) {
  if (purchases.length === 0) {
    return <p className="ss-muted">No purchases yet.</p>;
  }
  return (
    <table className="ss-table" data-testid="ss-purchases">
      <thead>
        <tr>
          <th>Date</th>
          <th>Amount</th>
          <th>Energy</th>
          <th>Token</th>
        </tr>
      </thead>
      <tbody>
        {purchases.map((purchase) => (
          <tr key={purchase.bill_number} className={purchase.status === "issued" ? "" : "ss-cancelled"}>
            <td>{purchase.time.slice(0, 16).replace("T", " ")}</td>
            <td>{purchase.amount}</td>
            <td>{purchase.energy_kwh} kWh</td>
            <td className="ss-mono">
              {purchase.status === "issued" ? purchase.tokens_grouped.join(", ") : purchase.status}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
