import { Empty, Typography } from "antd";

import { useApp } from "../app/AppContext";
import type { MessageKey } from "../i18n/translate";

/** A menu entry whose API is still being built: the place is kept, the screen comes with the API. */
export function ComingSoon({ titleKey }: { titleKey: MessageKey }) {
  const { t } = useApp();
  return (
    <>
      <Typography.Title level={3}>{t(titleKey)}</Typography.Title>
      <Empty description={t("common.notAvailable")} />
    </>
  );
}
