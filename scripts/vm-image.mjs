#!/usr/bin/env node
// Builds the VM test host's image (test/integration/ssh/system-clock-vm.test.ts; harness/middle/hosts/ssh/vm-image.ts)
// ahead of the suite, as `faultline images build` does the Docker images: about 50 s the first time on
// this machine, nothing while its recipe is unchanged. The test builds it itself when it is absent, so
// this only moves the build out of `npm test`'s time. Needs dist/ and scripts/setup-vm.sh's packages.
import { ensureVmImage } from '../dist/harness/middle/hosts/ssh/vm-image.js';

try {
  const { image, builtMs } = await ensureVmImage((m) => console.log(`vm-image: ${m}`));
  console.log(`vm-image: ${image.dir} ${builtMs > 0 ? `built in ${(builtMs / 1000).toFixed(1)} s` : 'cached'}`);
} catch (err) {
  console.error(`vm-image: the VM test host's image could not be built: ${err.message}; run scripts/setup-vm.sh as root, then this again.`);
  process.exit(1);
}
