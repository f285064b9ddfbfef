/**
 * What ships is what was measured: the partitioned game log (one stream per zone group) is on in
 * compose, in Kubernetes and in `npm run cluster`'s topology, and the zones each runs land on more
 * than one partition stream (rooms: packages/game/src/rooms/room-partitions.test.ts).
 */
import { partitionIndex } from '@tickline/eventlog';
import { TOPOLOGY_GAME_PARTITIONS, topologyZones } from '@tickline/testing';
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, readRepoFile, readYaml } from './support/deploy-files.ts';

type Service = Record<string, any>;
const PARTITIONS_ENV = 'TICKLINE_EVENTLOG_GAME_PARTITIONS';

/** The partitions `zones` land on under `count` partitions. */
const partitionsOf = (zones: readonly string[], count: number) => new Set(zones.map((zone) => partitionIndex(zone, count)));

describe('game log partitions - on where Tickline ships', () => {
  it('compose - every Tickline service logs the game in the same partitions, and the zones span several', async () => {
    const { services } = await readYaml<{ services: Record<string, Service> }>('deploy/compose.yaml');
    const colour = await readYaml<{ services: Record<string, Service> }>('deploy/compose.bluegreen.yaml');
    const tickline = [...Object.entries(services), ...Object.entries(colour.services)].filter(
      ([, s]) => s.environment?.TICKLINE_EVENTLOG_ENGINE === 'nats',
    );
    expect(tickline.length).toBeGreaterThan(5);
    // One count for every process: a platform reading 4 partitions of a game process writing 1 would miss it all.
    const counts = new Set(tickline.map(([, s]) => Number(s.environment[PARTITIONS_ENV])));
    expect([...counts]).toHaveLength(1);
    const [count] = counts;
    expect(count).toBeGreaterThan(1);
    const zones = tickline.flatMap(([, s]) => String(s.environment.TICKLINE_GAME_ZONES ?? '').split(',').filter(Boolean));
    expect(zones.length).toBeGreaterThan(1);
    expect(partitionsOf(zones, count!).size).toBeGreaterThan(1);
  });

  it('kubernetes - the shared config partitions the game log, and the game pods’ zones span several', async () => {
    const config = await readYaml<{ eventlog: { gamePartitions?: number } }>('deploy/k8s/base/config/tickline.yaml');
    const count = config.eventlog.gamePartitions ?? 1;
    expect(count).toBeGreaterThan(1);
    const game = parseYamlDocuments(await readRepoFile('deploy/k8s/base/game.yaml')).find(
      (o) => o.kind === 'StatefulSet',
    ) as Service;
    // Each pod runs the zone named after its ordinal (game-0 runs zone-0).
    expect(JSON.stringify(game.spec.template.spec.containers[0].args)).toContain('zone-${HOSTNAME##*-}');
    const zones = Array.from({ length: game.spec.replicas as number }, (_, i) => `zone-${i}`);
    expect(partitionsOf(zones, count).size).toBeGreaterThan(1);
  });

  it('npm run cluster - the topology partitions the game log, and its game processes’ zones span several', () => {
    expect(TOPOLOGY_GAME_PARTITIONS).toBeGreaterThan(1);
    // Two game processes (the default perRole), one zone each (the default zonesPerGame).
    const zones = [1, 2].flatMap((index) => topologyZones(index, 1));
    expect(partitionsOf(zones, TOPOLOGY_GAME_PARTITIONS).size).toBeGreaterThan(1);
  });
});
