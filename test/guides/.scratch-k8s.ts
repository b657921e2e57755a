import { kubeconfig, startKubernetes } from '../servers/kubernetes.js';
const k = await startKubernetes({ podStartDelayMs: 50, probeIntervalMs: 25 });
const cfg = kubeconfig(k.url);
console.log(cfg);
process.on('SIGTERM', async () => { await k.stop(); process.exit(0); });
setInterval(() => {}, 1000);
