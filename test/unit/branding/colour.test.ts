import { expect } from 'chai';

import { inspectLogo, MAX_LOGO_BYTES } from '../../../server/branding/branding.service.js';
import { contrastRatio, relativeLuminance, textColourOn } from '../../../server/branding/colour.js';
import { ValidationError } from '../../../server/lib/errors.js';
import { pngOf, TINY_GIF } from '../../helpers/images.js';

describe('brand colours (WCAG 2.1 arithmetic)', () => {
  it('computes relative luminance and contrast as WCAG defines them', () => {
    expect(relativeLuminance('#000000')).to.equal(0);
    expect(relativeLuminance('#ffffff')).to.equal(1);
    expect(contrastRatio('#000000', '#ffffff')).to.equal(21);
    // #777777: channel ((119/255 + 0.055) / 1.055)^2.4 = 0.18447, so (1.05) / (0.23447) = 4.478 (WebAIM: 4.48).
    expect(contrastRatio('#777777', '#ffffff')).to.be.closeTo(4.478, 0.001);
    expect(contrastRatio('#ffffff', '#777777')).to.equal(contrastRatio('#777777', '#ffffff'));
  });

  it('picks white labels on dark accents and black on light ones, always at least 4.5:1', () => {
    expect(textColourOn('#1d4ed8')).to.equal('#ffffff');
    expect(textColourOn('#ffcc00')).to.equal('#000000');
    expect(textColourOn('#777777')).to.equal('#000000');
    for (let v = 0; v < 256; v += 5) {
      for (const hex of [
        `#${v.toString(16).padStart(2, '0').repeat(3)}`,
        `#ff${v.toString(16).padStart(2, '0')}00`,
        `#00${v.toString(16).padStart(2, '0')}ff`,
      ]) {
        expect(contrastRatio(hex, textColourOn(hex)), hex).to.be.at.least(4.5);
      }
    }
  });

  it('rejects anything but #rrggbb', () => {
    expect(() => relativeLuminance('red')).to.throw('not a #rrggbb colour');
  });
});

describe('logo inspection (by content)', () => {
  it('reads the type and size of PNG and GIF bytes', () => {
    expect(inspectLogo(pngOf(300, 80))).to.deep.equal({ contentType: 'image/png', width: 300, height: 80 });
    expect(inspectLogo(TINY_GIF)).to.deep.equal({ contentType: 'image/gif', width: 1, height: 1 });
  });

  it('refuses empty, oversized, non-image and unsupported files with a message naming the problem', () => {
    const refused = (data: Buffer) => {
      try {
        inspectLogo(data);
      } catch (err) {
        expect(err).to.be.instanceOf(ValidationError);
        return (err as ValidationError).message;
      }
      throw new Error('accepted');
    };
    expect(refused(Buffer.alloc(0))).to.contain('The file is empty.');
    expect(refused(Buffer.alloc(MAX_LOGO_BYTES + 1, 1))).to.contain('the limit is 100 KB');
    expect(refused(Buffer.from('plain text, not a picture'))).to.contain('not a PNG, JPEG or GIF');
    expect(refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="5" height="5"/>'))).to.contain(
      'it is SVG',
    );
    // A PNG header claiming a 5000-pixel-wide image.
    expect(refused(pngOf(5000, 1))).to.contain('at most 4000 pixels');
  });
});
