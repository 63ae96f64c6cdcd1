#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "./index.js";

const program = new Command("health-monitor")
  .description("Docker container health, runtime security audit and autoheal (not implemented yet: see issue 5).")
  .version(VERSION);
program.parse();
