// What the seed's snippets take for granted on the account: the dev account's default
// exclusive 8 % tax rate (`flint dev` has it already; 12800 + 1024 = 13824), the LAUNCH20
// coupon (20 % off) and a customer for step 1 (the seed's "cus_01HZ4X8").
import { flint } from './flint.js';

const defaults = await flint.taxRates.list({ default: true, active: true });
if (defaults.data.length === 0) {
  await flint.taxRates.create({
    displayName: 'Sales tax',
    percentage: '8',
    inclusive: false,
    default: true,
  });
}
const coupons = await flint.coupons.list({ limit: 100 });
if (!coupons.data.some((coupon) => coupon.code === 'LAUNCH20')) {
  await flint.coupons.create({ code: 'LAUNCH20', percentOff: '20' });
}

export const customer = await flint.customers.create({
  name: 'Alex',
  email: 'alex@example.com',
});
