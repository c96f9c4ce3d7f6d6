import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { loadRuntimeConfig } from "./api/runtimeConfig";
import { App } from "./App";
import "./styles.css";

// The installer's app works offline: its shell is cached by a service worker scoped to /installer/.
if ("serviceWorker" in navigator && window.location.pathname.startsWith("/installer")) {
  void navigator.serviceWorker.register("/sw.js", { scope: "/installer" }).catch(() => undefined);
}

void loadRuntimeConfig().then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
