import { describe, expect, it } from "vitest";

import { fieldLabel, humanize, kindLabel } from "./labels";
import { en, fr, offeredLanguages, startLanguage, translator, zh } from "./translate";

describe("translations", () => {
  it("every language has every English key, none empty", () => {
    for (const messages of [zh, fr]) {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
      expect(Object.values(messages).filter((text) => text.trim() === "")).toEqual([]);
    }
  });

  it("fill in parameters", () => {
    expect(translator("en")("common.page", { page: 3 })).toBe("Page 3");
    expect(translator("zh")("common.page", { page: 3 })).toBe("第 3 页");
    expect(translator("fr")("installer.pending", { count: 2 })).toBe("2 en attente d'envoi");
  });

  it("name kinds and fields in the language, and unknown ones readably", () => {
    expect(kindLabel("sales-points", "zh")).toBe("售电点");
    expect(kindLabel("sales-points", "en")).toBe("Sales points");
    expect(kindLabel("brand-new-kind", "fr")).toBe("Brand new kind");
    expect(fieldLabel("charge_item_ids", "en")).toBe("Charge items");
    expect(fieldLabel("branch_id", "en")).toBe("Branch");
    expect(fieldLabel("ct_ratio", "fr")).toBe("Rapport TC");
    expect(humanize("up_to_kwh")).toBe("Up to KWH");
  });

  it("start in the saved language, else the browser's, within the tenant's languages", () => {
    const offered = offeredLanguages(["fr", "en", "de"]);
    expect(offered).toEqual(["fr", "en"]);
    expect(startLanguage("en", ["zh-CN"], offered)).toBe("en");
    expect(startLanguage("zh", ["zh-CN", "en-GB"], offered)).toBe("en");
    expect(startLanguage(null, ["de-DE"], offered)).toBe("fr");
    expect(offeredLanguages(undefined)).toEqual(["en", "zh", "fr"]);
  });
});
