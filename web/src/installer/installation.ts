// What an installer reports when completing a work order (POST /v1/work-orders/<id>/complete): the
// meter and module scanned on site, the point of collection on the grid, its location and CT/PT.
// Checked on the phone before it is queued, so a submission sent later is not refused for
// something the installer could have fixed on site.

export interface InstallationForm {
  meterSerial: string;
  moduleSerial: string;
  pocName: string;
  customerCode: string;
  siteId: string;
  projectId: string;
  gridId: string;
  serviceRateId: string;
  address: string;
  latitude: string;
  longitude: string;
  ctRatio: string;
  ptRatio: string;
  remark: string;
}

export const emptyInstallation: InstallationForm = {
  meterSerial: "",
  moduleSerial: "",
  pocName: "",
  customerCode: "",
  siteId: "",
  projectId: "",
  gridId: "",
  serviceRateId: "",
  address: "",
  latitude: "",
  longitude: "",
  ctRatio: "1",
  ptRatio: "1",
  remark: "",
};

export type InstallationProblems = Partial<Record<keyof InstallationForm, string>>;

const METER_SERIAL = /^[A-Z0-9][A-Z0-9-]{0,31}$/;
const CUSTOMER_CODE = /^[A-Za-z0-9_.-]{1,32}$/;

function ratio(text: string): number | null {
  return /^\d{1,6}$/.test(text.trim()) && Number(text) >= 1 && Number(text) <= 100000 ? Number(text) : null;
}

function coordinate(text: string, limit: number): number | null {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

/** Problems by field; expectedSerial is the meter the work order installs. */
export function checkInstallation(form: InstallationForm, expectedSerial?: string): InstallationProblems {
  const problems: InstallationProblems = {};
  if (!METER_SERIAL.test(form.meterSerial)) problems.meterSerial = "letters, digits and dashes, up to 32";
  else if (expectedSerial && form.meterSerial !== expectedSerial) problems.meterSerial = `this order installs ${expectedSerial}`;
  if (form.moduleSerial.length > 40) problems.moduleSerial = "up to 40 characters";
  if (!form.pocName.trim()) problems.pocName = "required";
  if (!CUSTOMER_CODE.test(form.customerCode.trim())) problems.customerCode = "required: letters, digits, _ . -";
  if (!form.siteId) problems.siteId = "required";
  if (!form.projectId) problems.projectId = "required";
  if (!form.gridId) problems.gridId = "required";
  if (ratio(form.ctRatio) === null) problems.ctRatio = "a whole number from 1 to 100000";
  if (ratio(form.ptRatio) === null) problems.ptRatio = "a whole number from 1 to 100000";
  if (form.latitude || form.longitude) {
    if (coordinate(form.latitude, 90) === null) problems.latitude = "from -90 to 90";
    if (coordinate(form.longitude, 180) === null) problems.longitude = "from -180 to 180";
  }
  return problems;
}

/** The completion body the work-order API takes (it forbids fields it does not know). */
export function installationBody(form: InstallationForm): Record<string, unknown> {
  const point: Record<string, unknown> = {
    name: form.pocName.trim(),
    customer_code: form.customerCode.trim(),
    site_id: form.siteId,
    project_id: form.projectId,
    grid_id: form.gridId,
    address: form.address.trim(),
  };
  if (form.serviceRateId) point.service_rate_id = form.serviceRateId;
  if (form.latitude && form.longitude) {
    point.latitude = Number(form.latitude);
    point.longitude = Number(form.longitude);
  }
  const body: Record<string, unknown> = {
    meter_sn: form.meterSerial,
    ct_ratio: Number(form.ctRatio),
    pt_ratio: Number(form.ptRatio),
    point,
    remark: form.remark.trim(),
  };
  if (form.moduleSerial) body.module_sn = form.moduleSerial;
  return body;
}
