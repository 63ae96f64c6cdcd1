#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "./index.js";

const program = new Command("edge-agent")
  .description("Ships Suricata EVE events to OpenSearch with no loss (not implemented yet: see issue 3).")
  .version(VERSION);
program.parse();
