// The counter's extra choices for one sale: the sales point it is booked at (operators who may sell at
// any sales point) and delivery straight to the meter (offered when a communication module serves it).

import { Checkbox, Form, Select, Tooltip } from "antd";

import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { referencedRecords } from "../archives/referenceCache";
import { can } from "../lib/permissions";
import { remoteReach } from "./vendingApi";

export function SaleOptions({ serial, disabled }: { serial: string; disabled: boolean }) {
  const { client, granted, me, t } = useApp();
  const anySalesPoint = can(granted, "vending", "any-sales-point");
  const salesPoints = useAsync(async () => (anySalesPoint ? referencedRecords(client, "sales-points") : []), [client, anySalesPoint]);
  const reach = useAsync(() => remoteReach(client, serial, can(granted, "network", "view")), [client, serial, granted]);
  return (
    <>
      {anySalesPoint && (
        <Form.Item name="sales_point_id" label={t("vend.salesPoint")}>
          <Select
            allowClear
            style={{ width: 260 }}
            placeholder={me?.sales_point_id ?? t("deliver.ownSalesPoint")}
            options={(salesPoints.data ?? []).map((record) => ({ value: record.id, label: `${String(record.code)} · ${String(record.name)}` }))}
            data-testid="sale-sales-point"
          />
        </Form.Item>
      )}
      {reach.data && reach.data !== "no" && (
        <Form.Item name="deliver" valuePropName="checked" style={{ marginBottom: 8 }}>
          <Checkbox disabled={disabled} data-testid="sale-deliver">
            <Tooltip title={reach.data === "unknown" ? t("deliver.unknownReach") : undefined}>{t("deliver.option")}</Tooltip>
          </Checkbox>
        </Form.Item>
      )}
    </>
  );
}
