// The console's frame: the menu (what this operator may view), the header, and the screen.

import { Button, Layout, Menu, Space, Typography, type MenuProps } from "antd";
import { Outlet, useLocation, useNavigate } from "react-router-dom";

import { useApiModel } from "../app/ApiModel";
import { useApp } from "../app/AppContext";
import { kindLabel } from "../i18n/labels";
import type { MessageKey } from "../i18n/translate";
import { archiveSections, visibleScreens } from "../lib/menu";
import { isPlatformOperator } from "../system/jobs";
import { LanguageSwitch } from "./LanguageSwitch";

type MenuItem = Required<MenuProps>["items"][number];

export function Shell() {
  const { me, granted, language, t, signOut } = useApp();
  const { kinds } = useApiModel();
  const navigate = useNavigate();
  const location = useLocation();

  const archiveGroups: MenuItem[] = archiveSections(kinds.map((info) => info.kind)).map(({ section, kinds: names }) => ({
    type: "group",
    key: `section-${section}`,
    label: t(`section.${section}` as MessageKey),
    children: names.map((kind) => ({ key: `/archives/${kind}`, label: kindLabel(kind, language) })),
  }));
  const screenItems = (group: "top" | "system"): MenuItem[] =>
    visibleScreens(granted, group).map((screen) => ({ key: screen.path, label: t(screen.key as MessageKey) }));

  const items: MenuItem[] = [
    { key: "/", label: t("menu.dashboard") },
    ...(archiveGroups.length ? [{ key: "archives", label: t("menu.archives"), children: archiveGroups }] : []),
    ...screenItems("top"),
    {
      key: "system",
      label: t("menu.system"),
      children: [...screenItems("system"), ...(isPlatformOperator(me) ? [{ key: "/system/restore", label: t("menu.restore") }] : [])],
    },
    { key: "/installer", label: t("menu.installer") },
  ];
  const openSection = location.pathname.startsWith("/archives") ? "archives" : location.pathname.startsWith("/system") ? "system" : "";

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider width={232} theme="light" className="console-sider">
        <div className="brand">{t("app.title")}</div>
        <Menu
          mode="inline"
          data-testid="main-menu"
          selectedKeys={[location.pathname]}
          defaultOpenKeys={openSection ? [openSection] : []}
          items={items}
          onClick={({ key }) => (key === "/installer" ? window.open("/installer", "_blank") : navigate(key))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="console-header">
          <Typography.Text strong data-testid="tenant-name">
            {String(me?.settings?.name ?? me?.tenant ?? "")}
          </Typography.Text>
          <Space>
            <Typography.Text data-testid="current-user">{me?.username}</Typography.Text>
            <LanguageSwitch />
            <Button onClick={signOut} data-testid="logout">
              {t("common.logout")}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="console-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
