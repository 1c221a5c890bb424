import { loadConfig } from '../db/src/config.ts';
import { connectDatabase } from '../db/src/database.ts';
import { verifyLedger } from '../db/src/modules/ledger/ledger-verify.ts';
import { exitOnStartupFailure } from '../db/src/startup-errors.ts';

/**
 * `npm run ledger:verify`: recomputes the hash chain, every account's totals and per-currency
 * conservation from the transfers. Prints OK and exits 0, or prints the first bad row and exits 1.
 */
async function main() {
  const database = await connectDatabase(loadConfig());
  try {
    const verification = await verifyLedger(database.pool);
    if (verification.ok) {
      console.log(`OK: ${verification.transfers} transfers, ${verification.accounts} accounts, last hash ${verification.lastHash}.`);
      return 0;
    }
    const { problem } = verification;
    console.error(`FAILED (${problem.code}): ${problem.message}`);
    for (const key of ['transferId', 'sequence', 'accountId', 'currency'] as const) if (problem[key] !== undefined) console.error(`  ${key}: ${problem[key]}`);
    return 1;
  } finally {
    await database.close();
  }
}

main().then((code) => process.exit(code), exitOnStartupFailure);
