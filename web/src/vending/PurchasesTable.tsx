// A meter's last purchases (GET /v1/vends?meter=), newest first, with the token and a reprint.

import { Button, Table } from "antd";

import { useApp } from "../app/AppContext";
import { formatMoney } from "../lib/money";
import { groupToken } from "../lib/sale";
import { stateLabel } from "../lib/stateLabel";
import { usePrintReceipt } from "./ReceiptView";
import type { Receipt } from "./vendingApi";

interface Props {
  purchases: Receipt[];
  loading?: boolean;
  onShow?: (receipt: Receipt) => void;
}

export function PurchasesTable({ purchases, loading, onShow }: Props) {
  const { t, money, language } = useApp();
  const print = usePrintReceipt();
  return (
    <Table<Receipt>
      rowKey="bill_number"
      size="small"
      loading={loading}
      pagination={false}
      scroll={{ x: "max-content" }}
      dataSource={purchases}
      data-testid="purchases-table"
      locale={{ emptyText: t("vend.noPurchases") }}
      columns={[
        { title: t("vend.time"), dataIndex: "time_local", render: (value: string) => value?.replace("T", " ") },
        { title: t("vend.billNumber"), dataIndex: "bill_number" },
        { title: t("vend.status"), dataIndex: "status", render: (value: string) => stateLabel(value, t) },
        {
          title: t("vend.total"),
          key: "net",
          align: "right",
          render: (_, receipt) => formatMoney(receipt.breakdown?.net_amount, money, language),
        },
        { title: t("vend.energy"), dataIndex: "energy_kwh", align: "right", render: (value: string) => `${value} kWh` },
        {
          title: t("vend.token"),
          key: "token",
          render: (_, receipt) => <span className="token-inline">{receipt.tokens.map(groupToken).join(" / ")}</span>,
        },
        {
          title: t("common.actions"),
          key: "actions",
          render: (_, receipt) => (
            <>
              {onShow && (
                <Button size="small" type="link" onClick={() => onShow(receipt)}>
                  {t("vend.showReceipt")}
                </Button>
              )}
              <Button size="small" type="link" onClick={() => void print(receipt.bill_number)} data-testid="reprint">
                {t("vend.reprint")}
              </Button>
            </>
          ),
        },
      ]}
    />
  );
}
