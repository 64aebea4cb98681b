// The fault catalog, first half (./catalog.ts).
import { faultCatalogTests } from './catalog.ts';

faultCatalogTests(1);
