import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { SelfServiceApp } from "./SelfServiceApp";
import "./selfservice.css";

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <SelfServiceApp />
  </StrictMode>,
);
