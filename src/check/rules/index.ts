/** The rule table: `runbook check` runs every rule here, in order. Syntax errors come from the parser (`shell-syntax`). */
import type { Rule } from '../rule.js';
import { cloudCommand } from './cloud-command.js';
import { inconsistentFlag } from './inconsistent-flag.js';
import { missingFile } from './missing-file.js';
import { neededTool } from './needed-tool.js';
import { strayDollar } from './stray-dollar.js';
import { undefinedVariable } from './undefined-variable.js';
import { unusedExport } from './unused-export.js';

export const rules: Rule[] = [undefinedVariable, unusedExport, strayDollar, inconsistentFlag, missingFile, cloudCommand, neededTool];
