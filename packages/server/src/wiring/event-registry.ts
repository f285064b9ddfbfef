/**
 * @module The process's event registry: every type a consumer may find in the main log. A consumer
 * decodes with it, so a type missing here would be dead-lettered. Each domain module lists the
 * events it publishes (`events`); every process registers all of them, whatever modules its role
 * runs, because a consumer may read any domain's events from the shared log.
 */
import { EventRegistry, type EventDefinition } from '@tickline/kernel';
import { DOMAINS } from '../domains.ts';

/** Every event definition of the process: the `events` of each module in {@link DOMAINS}. */
export async function loadProcessEvents(): Promise<readonly EventDefinition<any>[]> {
  const modules = await Promise.all(DOMAINS.map((domain) => domain.load()));
  return modules.flatMap((module) => module.events ?? []);
}

/** A registry holding {@link loadProcessEvents}. */
export async function createProcessEventRegistry(): Promise<EventRegistry> {
  return new EventRegistry(await loadProcessEvents());
}
