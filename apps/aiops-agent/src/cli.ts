#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "./index.js";

const program = new Command("aiops-agent")
  .description("Watches host metrics and alerts on anomalies (not implemented yet: see issue 6).")
  .version(VERSION);
program.parse();
