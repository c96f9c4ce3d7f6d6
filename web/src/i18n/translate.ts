import { en, type MessageKey, type Messages } from "./en";
import { fr } from "./fr";
import { zh } from "./zh";

export const LANGUAGES = ["en", "zh", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", zh: "中文", fr: "Français" };

const CATALOGUES: Record<Language, Messages> = { en, zh, fr };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function translator(language: Language): Translate {
  const messages = CATALOGUES[language];
  return (key, params) => {
    const template = messages[key] ?? en[key] ?? key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
  };
}

/** The languages a tenant offers (its settings), among those the console has; English at least. */
export function offeredLanguages(tenantLanguages: unknown): Language[] {
  const offered = Array.isArray(tenantLanguages) ? tenantLanguages.filter(isLanguage) : [];
  return offered.length > 0 ? offered : [...LANGUAGES];
}

/** The language to start in: the user's last choice if the tenant offers it, else the browser's,
 * else the tenant's first. */
export function startLanguage(saved: string | null, browser: readonly string[], offered: Language[]): Language {
  if (isLanguage(saved) && offered.includes(saved)) return saved;
  for (const tag of browser) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base) && offered.includes(base)) return base;
  }
  return offered[0] ?? "en";
}

export { en, fr, zh };
export type { MessageKey, Messages };
