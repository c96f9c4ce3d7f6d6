// A serial number field with a camera scan button (BarcodeDetector); typing always works.

import { Button, Input, Space, Typography } from "antd";
import { useEffect, useRef, useState } from "react";

import { useApp } from "../app/AppContext";
import { canScan, detectOnce, newDetector } from "./scanning";

interface Props {
  id: string;
  value: string;
  onChange: (value: string) => void;
}

const SCAN_INTERVAL_MS = 300;

export function ScanField({ id, value, onChange }: Props) {
  const { t } = useApp();
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const scanAvailable = canScan();

  useEffect(() => {
    if (!scanning) return;
    const detector = newDetector();
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let stopped = false;
    void navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(async (opened) => {
        stream = opened;
        if (stopped || !video.current || !detector) return;
        video.current.srcObject = opened;
        await video.current.play();
        timer = window.setInterval(async () => {
          if (!video.current) return;
          const serial = await detectOnce(detector, video.current).catch(() => null);
          if (serial) {
            onChange(serial);
            setScanning(false);
          }
        }, SCAN_INTERVAL_MS);
      })
      .catch(() => setScanning(false));
    return () => {
      stopped = true;
      window.clearInterval(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [scanning, onChange]);

  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space.Compact style={{ width: "100%" }}>
        <Input
          id={id}
          value={value}
          inputMode="text"
          autoCapitalize="characters"
          onChange={(event) => onChange(event.target.value.replace(/\s/g, "").toUpperCase())}
        />
        {scanAvailable && (
          <Button onClick={() => setScanning((on) => !on)}>{scanning ? t("installer.stopScan") : t("installer.scan")}</Button>
        )}
      </Space.Compact>
      {!scanAvailable && <Typography.Text type="secondary">{t("installer.scanUnavailable")}</Typography.Text>}
      {scanning && <video ref={video} className="scan-video" muted playsInline />}
    </Space>
  );
}
