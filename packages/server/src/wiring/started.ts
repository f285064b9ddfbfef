/** @module Access to what a component creates in `start()`, failing clearly when used too early. */
import { TicklineError } from '@tickline/kernel';

/** Returns a getter for component `name`'s started parts: it throws until `start()` has set them. */
export function startedGetter(name: string): <T>(value: T | undefined) => T {
  return <T>(value: T | undefined): T => {
    if (value === undefined) throw new TicklineError('KERNEL_SERVICE_FAILED', `${name} has not started`);
    return value;
  };
}
