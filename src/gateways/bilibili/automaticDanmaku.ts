/**
 * Texts Bilibili sends on a viewer's behalf when they join a red-packet lottery or a 节奏风暴. The web route
 * flags these (`isAutomatic`); the Open Platform does not, so they are also recognised by content.
 */
const AUTOMATIC_TEXTS = new Set([
  '老板大气！点点红包抽礼物',
  '老板大气！点点红包抽礼物！',
  '点点红包，关注主播抽礼物～',
  '喜欢主播加关注，点点红包抽礼物',
  '红包抽礼物，开启今日好运！',
  '中奖喷雾！中奖喷雾！',
]);

export function isAutomaticText(text: string): boolean {
  return AUTOMATIC_TEXTS.has(text.trim());
}
