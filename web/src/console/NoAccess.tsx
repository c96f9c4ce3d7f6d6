import { Result } from "antd";

import { useApp } from "../app/AppContext";

export function NoAccess() {
  const { t } = useApp();
  return <Result status="403" subTitle={t("common.noAccess")} />;
}
