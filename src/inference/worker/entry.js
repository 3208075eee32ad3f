// Worker bootstrap: registers tsx's loader in this thread (as bin/glance.js does for the main
// thread), then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./analyzer-thread.ts');
