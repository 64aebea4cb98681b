// The acme chip's model with its all-multicast switch at 100 instead of 2,048: a leak that only a
// list past 100 shows. check must catch it on its first seed.
import { acmePlugin } from './acme.ts';

export default acmePlugin('acme-allmulti-100', 100);
