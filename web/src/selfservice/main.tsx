import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { loadRuntimeConfig } from "../api/runtimeConfig";
import { SelfServiceApp } from "./SelfServiceApp";
import "./selfservice.css";

void loadRuntimeConfig().then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <SelfServiceApp />
    </StrictMode>,
  ),
);
