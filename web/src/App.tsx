// Routes: the console (signed in), the installer's app (/installer), and the sign-in page.

import { ConfigProvider, Spin } from "antd";
import enUS from "antd/locale/en_US";
import frFR from "antd/locale/fr_FR";
import zhCN from "antd/locale/zh_CN";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";

import { ApiModelProvider } from "./app/ApiModel";
import { AppProvider, useApp } from "./app/AppContext";
import { ArchivePage, ArchiveRoute } from "./archives/ArchivePage";
import { CustomerDetailPage } from "./customers/CustomerDetailPage";
import { CustomersPage } from "./customers/CustomersPage";
import { RegisterBillsPage } from "./customers/RegisterBillsPage";
import { RegistrationPage } from "./customers/RegistrationPage";
import { Dashboard } from "./console/Dashboard";
import { LoginPage } from "./console/LoginPage";
import { Shell } from "./console/Shell";
import { InstallerApp } from "./installer/InstallerApp";
import { MetersPage } from "./meters/MetersPage";
import { NotificationTemplatesPage } from "./operations/NotificationTemplatesPage";
import { OperationsPage } from "./operations/OperationsPage";
import { LineLossPage } from "./reports/LineLossPage";
import { ReportsPage } from "./reports/ReportsPage";
import { BatchPage } from "./vending/BatchPage";
import { CancelPage } from "./vending/CancelPage";
import { EngineeringPage } from "./vending/EngineeringPage";
import { VendingPage } from "./vending/VendingPage";
import { BackupsPage } from "./system/BackupsPage";
import { RestorePage } from "./system/RestorePage";
import { AuditLogPage, LoginLogPage } from "./system/Logs";
import { OperatorsPage } from "./system/OperatorsPage";

const ANTD_LOCALES = { en: enUS, zh: zhCN, fr: frFR };

function Console() {
  const { session, me } = useApp();
  if (!session) return <LoginPage />;
  const loading = <Spin size="large" className="page-spinner" />;
  if (!me) return loading;
  return (
    <ApiModelProvider fallback={loading}>
      <Routes>
        <Route element={<Shell />}>
          <Route index element={<Dashboard />} />
          <Route path="archives/:kind" element={<ArchiveRoute />} />
          <Route path="meters" element={<MetersPage />} />
          <Route path="customers" element={<CustomersPage />} />
          <Route path="customers/new" element={<RegistrationPage />} />
          <Route path="customers/bills" element={<RegisterBillsPage />} />
          <Route path="customers/:code" element={<CustomerDetailPage />} />
          <Route path="vending" element={<VendingPage />} />
          <Route path="vending/cancel" element={<CancelPage />} />
          <Route path="vending/engineering" element={<EngineeringPage />} />
          <Route path="vending/batch" element={<BatchPage />} />
          <Route path="reports" element={<ReportsPage />} />
          <Route path="reports/line-loss" element={<LineLossPage />} />
          <Route path="operations" element={<OperationsPage />} />
          <Route path="system/operators" element={<OperatorsPage />} />
          <Route path="system/roles" element={<ArchivePage kind="roles" />} />
          <Route path="system/notifications" element={<NotificationTemplatesPage />} />
          <Route path="system/audit" element={<AuditLogPage />} />
          <Route path="system/login-log" element={<LoginLogPage />} />
          <Route path="system/backups" element={<BackupsPage />} />
          <Route path="system/restore" element={<RestorePage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </ApiModelProvider>
  );
}

function Localised() {
  const { language } = useApp();
  return (
    <ConfigProvider locale={ANTD_LOCALES[language]} theme={{ token: { colorPrimary: "#0f5c8c", borderRadius: 6 } }}>
      <BrowserRouter>
        <Routes>
          <Route path="/installer/*" element={<InstallerApp />} />
          <Route path="/*" element={<Console />} />
        </Routes>
      </BrowserRouter>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <AppProvider>
      <Localised />
    </AppProvider>
  );
}
