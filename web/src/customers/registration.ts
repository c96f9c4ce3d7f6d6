// The register bill a registration form sends (POST /v1/register-bills): empty optional fields left out
// so the API applies its defaults (a code from the numbering rule, the meter's CT/PT).

export interface RegistrationForm {
  customer: {
    code?: string;
    name?: string;
    customer_type_id?: string;
    phone?: string;
    email?: string;
    address?: string;
    id_number?: string;
  };
  contracts: { serial?: string; tariff_id?: string; pay_type?: string; debt?: number | string | null }[];
  payment?: { payment_term_id?: string | null };
}

function filled<T extends object>(record: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== undefined && value !== null && String(value).trim() !== ""),
  ) as Partial<T>;
}

export function registerBillBody(form: RegistrationForm): Record<string, unknown> {
  const customer = filled(form.customer ?? {});
  const contracts = (form.contracts ?? []).map((contract) => {
    const kept = filled(contract);
    if (kept.debt !== undefined) kept.debt = String(kept.debt);
    if (typeof kept.serial === "string") kept.serial = kept.serial.trim();
    return kept;
  });
  const payment = filled(form.payment ?? {});
  return { customer, contracts, ...(Object.keys(payment).length ? { payment } : {}) };
}
