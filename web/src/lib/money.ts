// Amounts shown with the tenant's currency and number of decimals, in the user's language.

export interface MoneySettings {
  currency: string;
  decimals: number;
}

const LOCALE_OF_LANGUAGE: Record<string, string> = { en: "en-GB", zh: "zh-CN", fr: "fr-FR" };

export function numberLocale(language: string): string {
  return LOCALE_OF_LANGUAGE[language] ?? "en-GB";
}

/** Formats an API amount (a decimal string or number) at the tenant's decimals; text that is not
 * a number is shown as it came. */
export function formatMoney(amount: string | number | null | undefined, settings: MoneySettings, language: string): string {
  if (amount === null || amount === undefined || amount === "") return "";
  const value = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(value)) return String(amount);
  const formatter = new Intl.NumberFormat(numberLocale(language), {
    style: "currency",
    currency: settings.currency,
    currencyDisplay: "code",
    minimumFractionDigits: settings.decimals,
    maximumFractionDigits: settings.decimals,
  });
  return formatter.format(value);
}

export function formatNumber(value: string | number, language: string, decimals?: number): string {
  const numeric = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(numeric)) return String(value);
  return new Intl.NumberFormat(numberLocale(language), {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals ?? 4,
  }).format(numeric);
}
