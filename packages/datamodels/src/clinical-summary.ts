export * from "./clinical-summary/header.js";
export * from "./clinical-summary/events.js";
