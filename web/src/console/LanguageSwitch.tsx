import { Select } from "antd";

import { useApp } from "../app/AppContext";
import { LANGUAGE_NAMES, type Language } from "../i18n/translate";

export function LanguageSwitch() {
  const { language, languages, setLanguage, t } = useApp();
  return (
    <Select<Language>
      aria-label={t("common.language")}
      data-testid="language-switch"
      value={language}
      onChange={setLanguage}
      style={{ width: 120 }}
      options={languages.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] }))}
    />
  );
}
