/**
 * The suites `faultline matrix --suite NAME` knows, by name: each a config of scenarios.
 */
import type { FaultlineConfig } from '../harness/top/config/define.js';
import { regressions, regressionsFast } from './regressions.js';

export const SUITES: Readonly<Record<string, FaultlineConfig>> = {
  regressions,
  'regressions-fast': regressionsFast,
};
