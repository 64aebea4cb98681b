// The fault catalog, second half (./catalog.ts).
import { faultCatalogTests } from './catalog.ts';

faultCatalogTests(2);
