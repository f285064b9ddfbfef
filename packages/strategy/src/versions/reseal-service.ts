/**
 * @module Moving strategy code to the current key in the background: after a new key became current
 * (the install's generated key replacing the public `dev` one, or a rotation), every version sealed
 * with an older key is opened and sealed again, in small batches, without holding up the start.
 * Old keys can be dropped from `strategy.codeKeys` once it logged that nothing is left.
 */
import { ServiceStatus, type Logger, type Service } from '@tickline/kernel';
import type { StrategyRepository } from './strategy-repository.ts';

/** Versions re-sealed per statement batch. */
export const RESEAL_BATCH = 100;

export function createResealService(repository: Pick<StrategyRepository, 'resealBatch'>): Service {
  let status: ServiceStatus = ServiceStatus.Starting;
  let stopping = false;
  let running: Promise<void> | undefined;

  async function run(logger: Logger): Promise<void> {
    let moved = 0;
    try {
      for (let n = RESEAL_BATCH; n === RESEAL_BATCH && !stopping; moved += n)
        n = await repository.resealBatch(RESEAL_BATCH);
      if (moved > 0) logger.info({ versions: moved }, 'strategy code re-sealed with the current key');
    } catch (error) {
      // A version it cannot open (a key missing from the config) stays as it is; reads name it.
      logger.warn({ err: error, versions: moved }, 're-sealing strategy code stopped');
    }
  }

  return {
    name: 'strategy-code-reseal',
    async start(context) {
      running = run(context.logger);
      status = ServiceStatus.Up;
    },
    async stop() {
      stopping = true;
      status = ServiceStatus.Stopping;
      await running;
      status = ServiceStatus.Stopped;
    },
    health: () => ({ status }),
  };
}
