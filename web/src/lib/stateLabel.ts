// API state values (in_service, prepaid, draft, failed ...) in the user's language; a value the console
// has no label for is shown as the API sent it.

import { en, type MessageKey, type Translate } from "../i18n/translate";

export function stateLabel(value: string | null | undefined, t: Translate): string {
  if (!value) return "";
  const key = `state.${value}`;
  return key in en ? t(key as MessageKey) : value;
}
