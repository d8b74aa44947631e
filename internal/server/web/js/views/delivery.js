// views/delivery.js: the delivery heat map (log files per account, region
// and hour; gaps stand out) and the integrity status of the digests.

import {h, clear} from '../dom.js';
import * as api from '../api.js';

export class DeliveryView {
  constructor(app) {
    this.app = app;
    this.map = h('div.heatmap');
    this.integrity = h('div.integrity');
    this.el = h('div.view.delivery-view',
      h('h1', 'Delivery'),
      h('p.muted', 'Log files delivered per account, region and hour: a gap is an hour with none, where CloudTrail usually delivers.'),
      this.map,
      h('h2', 'Integrity'),
      this.integrity);
  }

  async route() {
    clear(this.map).append(h('p.muted', h('span.spinner'), ' Drawing…'));
    clear(this.integrity);
    // An <img>: nothing in the SVG runs, and it needs no inline style.
    const img = h('img#gaps-map', {src: '/api/gaps.svg', alt: 'delivery heat map'});
    img.addEventListener('load', () => clear(this.map).append(img), {once: true});
    img.addEventListener('error', async () => {
      // Ask again as text, for the server's message.
      let msg = 'cannot draw the heat map';
      try { await api.getText('/api/gaps.svg'); } catch (e) { msg = e.message; }
      clear(this.map).append(h('div.error', msg));
    }, {once: true});
    try {
      const st = await api.get('/api/integrity');
      this.integrity.append(h('pre.json', JSON.stringify(st, null, 2)));
    } catch (e) {
      this.integrity.append(h('p.muted', e.message));
    }
  }
}
