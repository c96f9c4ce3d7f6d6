// Meters (GET /v1/meters): serial prefix search, state filter, cursor paging. Registration, stock
// bills and binding get their forms as those screens are built.

import { Button, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";

import { isNotFound, type Page } from "../api/client";
import { useApp } from "../app/AppContext";
import { useAsync } from "../app/useAsync";
import { ComingSoon } from "../console/ComingSoon";
import { NoAccess } from "../console/NoAccess";
import { fieldLabel } from "../i18n/labels";
import { currentCursor, firstPage, hasNext, hasPrevious, nextPage, previousPage, withNextCursor } from "../lib/cursorPager";
import { can } from "../lib/permissions";
import { stateLabel } from "../lib/stateLabel";

interface Meter {
  serial: string;
  state: string;
  model_id?: string;
  branch_id?: string | null;
  module_id?: string | null;
  ct_ratio?: number;
  pt_ratio?: number;
}

const STATES = ["in_warehouse", "in_transit", "out_for_installation", "in_service", "replaced", "scrapped", "maintenance"];
const STATE_COLOURS: Record<string, string> = { in_service: "green", in_warehouse: "blue", scrapped: "red", maintenance: "orange" };

export function MetersPage() {
  const { client, granted, language, t } = useApp();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const [state, setState] = useState<string | undefined>();
  const [pager, setPager] = useState(firstPage);
  const cursor = currentCursor(pager);
  useEffect(() => setPager(firstPage), [search, state]);
  const page = useAsync(
    () => client.get<Page<Meter>>("/v1/meters", { q: search, status: state, limit: 20, cursor }),
    [client, search, state, cursor],
  );
  useEffect(() => {
    if (page.data) setPager((current) => withNextCursor(current, page.data?.next_cursor ?? null));
  }, [page.data]);

  if (!can(granted, "meters", "view")) return <NoAccess />;
  if (page.error && isNotFound(page.error)) return <ComingSoon titleKey="menu.meters" />;

  const column = (name: keyof Meter) => ({ title: fieldLabel(name, language), dataIndex: name, key: name });
  return (
    <>
      <Typography.Title level={3} data-testid="page-title">
        {t("menu.meters")}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={fieldLabel("state", language)}
          style={{ width: 200 }}
          value={state}
          onChange={setState}
          options={STATES.map((value) => ({ value, label: stateLabel(value, t) }))}
        />
        <Input.Search allowClear placeholder={t("common.search")} enterButton onSearch={(text) => setSearch(text.trim())} style={{ width: 280 }} />
      </Space>
      {page.error && <Typography.Text type="danger">{page.error.message}</Typography.Text>}
      <Table<Meter>
        rowKey="serial"
        loading={page.loading}
        dataSource={page.data?.items ?? []}
        pagination={false}
        data-testid="meters-table"
        columns={[
          column("serial"),
          { ...column("state"), render: (value: string) => <Tag color={STATE_COLOURS[value]}>{stateLabel(value, t)}</Tag> },
          column("module_id"),
          column("ct_ratio"),
          column("pt_ratio"),
          {
            title: t("common.actions"),
            key: "actions",
            render: (_, meter) => (
              <Space size={0}>
                {meter.state === "in_service" && can(granted, "vending", "view") && (
                  <Button size="small" type="link" onClick={() => navigate(`/vending?meter=${encodeURIComponent(meter.serial)}`)}>
                    {t("customers.sell")}
                  </Button>
                )}
                {meter.module_id && can(granted, "commands", "view") && (
                  <Button size="small" type="link" onClick={() => navigate(`/operations?meter=${encodeURIComponent(meter.serial)}`)}>
                    {t("menu.operations")}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={!hasPrevious(pager)} onClick={() => setPager(previousPage)}>
          {t("common.previous")}
        </Button>
        <span>{t("common.page", { page: pager.page + 1 })}</span>
        <Button disabled={!hasNext(pager)} onClick={() => setPager(nextPage)}>
          {t("common.next")}
        </Button>
      </Space>
    </>
  );
}
