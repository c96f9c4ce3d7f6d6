import { consumptionBars, type DayConsumption, totalKwh } from "./logic";

export function ConsumptionChart({ consumption }: { consumption: DayConsumption[] }) {
  const bars = consumptionBars(consumption);
  if (bars.length === 0) {
    return <p className="ss-muted">No readings from your meter yet.</p>;
  }
  return (
    <div data-testid="ss-consumption">
      <div className="ss-bars" role="img" aria-label={`Daily consumption, ${totalKwh(bars)} kWh in total`}>
        {bars.map((bar) => (
          <div key={bar.day} className="ss-bar" title={`${bar.day}: ${bar.kwh} kWh`}>
            <div className="ss-bar-fill" style={{ height: `${bar.percent}%` }} />
          </div>
        ))}
      </div>
      <div className="ss-muted ss-small">
        {bars[0].day} – {bars[bars.length - 1].day}: {totalKwh(bars)} kWh
      </div>
    </div>
  );
}
