import { InMemoryRiskControls } from './risk-controls.ts';
import { riskControlsContract } from './risk-controls-contract.ts';

riskControlsContract('in memory', async () => new InMemoryRiskControls());
