import { ingestThroughput } from './pipeline.ts';
const r = await ingestThroughput(Number(process.env.N ?? 300000));
console.log(r);
