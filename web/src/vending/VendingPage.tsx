// The vending counter: find the meter (serial, or the customer's code or name), see the customer's
// status and last purchases, pick an amount, review, sell once, and print the receipt.

import { Alert, Button, Card, Col, Form, Input, InputNumber, List, Row, Segmented, Select, Space, Typography } from "antd";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";

import type { Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { referencedRecords } from "../archives/referenceCache";
import { NoAccess } from "../console/NoAccess";
import { can } from "../lib/permissions";
import { amountChoices, saleFor, type PendingSale } from "../lib/sale";
import { CustomerStatus } from "./CustomerStatus";
import { customerWithContracts, searchCounter, sellableSerials, type CustomerWithContracts } from "./findMeter";
import { PurchasesTable } from "./PurchasesTable";
import { ReceiptView } from "./ReceiptView";
import { SaleConfirm } from "./SaleConfirm";
import { SaleOptions } from "./SaleOptions";
import { lastPurchases, meterAtCounter, type Receipt } from "./vendingApi";

interface SaleForm {
  amount: number | null;
  payment_term: string;
  paid: number | null;
  deliver?: boolean;
  sales_point_id?: string;
}

export function VendingPage() {
  const { client, granted, t } = useApp();
  const [params, setParams] = useSearchParams();
  const serial = params.get("meter") ?? "";
  const [searchText, setSearchText] = useState(serial);
  const [searchError, setSearchError] = useState("");
  const [customers, setCustomers] = useState<CustomerWithContracts[]>([]);
  const [pending, setPending] = useState<PendingSale | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [soldCount, setSoldCount] = useState(0);
  const [byEnergy, setByEnergy] = useState(false);
  const [form] = Form.useForm<SaleForm>();

  const found = useAsync(async () => (serial ? meterAtCounter(client, serial) : null), [client, serial]);
  const purchases = useAsync(
    async () => (serial ? lastPurchases(client, serial) : ({ items: [], next_cursor: null } as Page<Receipt>)),
    [client, serial, soldCount],
  );
  const amounts = useAsync(async () => amountChoices(await referencedRecords(client, "vend-amounts")), [client]);
  const terms = useAsync(() => referencedRecords(client, "payment-terms"), [client]);
  useEffect(() => setReceipt(null), [serial]);

  if (!can(granted, "vending", "view")) return <NoAccess />;

  function chooseMeter(chosen: string) {
    setCustomers([]);
    setPending(null);
    setParams({ meter: chosen });
  }

  async function find(text: string) {
    setSearchError("");
    setCustomers([]);
    const result = await searchCounter(client, text).catch((error: Error) => {
      setSearchError(error.message);
      return null;
    });
    if (!result) return;
    if (result.kind === "none") return setSearchError(t("vend.notFound", { text }));
    if (result.kind === "meter") return chooseMeter(result.serial);
    const detailed = await Promise.all(result.customers.map((customer) => customerWithContracts(client, customer.code)));
    const serials = detailed.flatMap(sellableSerials);
    if (detailed.length === 1 && serials.length === 1) return chooseMeter(serials[0]);
    setCustomers(detailed);
  }

  function review(values: SaleForm) {
    if (!values.amount) return;
    const request = {
      meter: serial,
      ...(byEnergy ? { energy: String(values.amount) } : { amount: String(values.amount) }),
      payment_term: values.payment_term || "CASH",
      ...(values.paid ? { paid: String(values.paid) } : {}),
      ...(values.deliver ? { deliver: "remote" as const } : {}),
      ...(values.sales_point_id ? { sales_point_id: values.sales_point_id } : {}),
    };
    setPending((previous) => saleFor(previous, request));
    setConfirming(true);
  }

  function sold(made: Receipt) {
    setConfirming(false);
    setPending(null);
    setReceipt(made);
    setSoldCount((count) => count + 1);
    form.resetFields(["amount", "paid"]);
  }

  const vendable = Boolean(found.data?.contract && found.data.contract.status === "active");
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.vending")}
      </Typography.Title>
      <Input.Search
        placeholder={t("vend.find")}
        enterButton={t("vend.findButton")}
        value={searchText}
        onChange={(event) => setSearchText(event.target.value)}
        onSearch={(text) => void find(text)}
        style={{ maxWidth: 520, marginBottom: 12 }}
        data-testid="vend-search"
        allowClear
      />
      {searchError && <Alert type="warning" showIcon title={searchError} style={{ marginBottom: 12 }} />}
      {customers.length > 0 && (
        <Card size="small" title={t("vend.chooseMeter")} style={{ marginBottom: 12 }}>
          <List
            dataSource={customers}
            renderItem={(customer) => (
              <List.Item>
                <Space wrap>
                  <strong>
                    {customer.code} · {customer.name}
                  </strong>
                  {customer.contracts.map((contract) => (
                    <Button key={contract.serial} onClick={() => chooseMeter(contract.serial)} data-testid={`choose-${contract.serial}`}>
                      {contract.serial} ({contract.status})
                    </Button>
                  ))}
                </Space>
              </List.Item>
            )}
          />
        </Card>
      )}
      {found.error && <Alert type="error" showIcon title={found.error.message} />}
      {serial && found.data && (
        <Row gutter={16}>
          <Col xs={24} xl={12}>
            <CustomerStatus found={found.data} />
            <Card size="small" title={t("vend.amount")} style={{ marginTop: 16 }}>
              <Form<SaleForm> form={form} layout="vertical" onFinish={review} initialValues={{ payment_term: "CASH" }}>
                <Segmented
                  value={byEnergy ? "energy" : "amount"}
                  onChange={(value) => setByEnergy(value === "energy")}
                  options={[
                    { value: "amount", label: t("vend.byAmount") },
                    { value: "energy", label: t("vend.byEnergy") },
                  ]}
                  style={{ marginBottom: 12 }}
                  data-testid="sale-mode"
                />
                <Space wrap style={{ marginBottom: 8 }} data-testid="amount-buttons">
                  {(byEnergy ? [] : amounts.data ?? []).map((choice) => (
                    <Button key={choice.amount} onClick={() => form.setFieldValue("amount", Number(choice.amount))}>
                      {choice.label}
                    </Button>
                  ))}
                </Space>
                <Form.Item name="amount" label={byEnergy ? t("vend.energyWanted") : t("vend.amount")} rules={[{ required: true }]}>
                  <InputNumber min={byEnergy ? 0.1 : 0.01} precision={byEnergy ? 1 : undefined} step={10} style={{ width: 220 }} id="vend-amount" disabled={!vendable} />
                </Form.Item>
                <Space wrap>
                  <Form.Item name="payment_term" label={t("vend.paymentTerm")}>
                    <Select
                      style={{ width: 200 }}
                      options={(terms.data ?? []).map((term) => ({ value: term.code, label: term.name }))}
                    />
                  </Form.Item>
                  <Form.Item name="paid" label={t("vend.tendered")}>
                    <InputNumber min={0} style={{ width: 200 }} />
                  </Form.Item>
                </Space>
                <SaleOptions serial={serial} disabled={!vendable} />
                <div>
                  <Button type="primary" htmlType="submit" disabled={!vendable || !can(granted, "vending", "create")} data-testid="review-sale">
                    {t("vend.next")}
                  </Button>
                </div>
              </Form>
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            {receipt && (
              <div style={{ marginBottom: 16 }}>
                <ReceiptView receipt={receipt} />
                <Button style={{ marginTop: 8 }} onClick={() => setReceipt(null)}>
                  {t("vend.newSale")}
                </Button>
              </div>
            )}
            <Card size="small" title={t("vend.lastPurchases")}>
              <PurchasesTable purchases={purchases.data?.items ?? []} loading={purchases.loading} onShow={setReceipt} />
            </Card>
          </Col>
        </Row>
      )}
      {confirming && pending && found.data && (
        <SaleConfirm sale={pending} found={found.data} onSold={sold} onClose={() => setConfirming(false)} />
      )}
    </>
  );
}
