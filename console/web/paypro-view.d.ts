/** What the banner uses of the page: its element builder and how it reads a reply. */
export interface BannerUi<N> {
  h: (tag: string, attrs?: Record<string, unknown>, ...children: unknown[]) => N;
  missingRoute: (reply: { status: number; type: string; data?: unknown }) => boolean;
  problemText: (reply: { status: number; type: string; data?: unknown }) => string;
}

/** The element the banner is drawn in (a role="status" region). */
export interface BannerTarget<N> {
  dataset: Record<string, string | undefined>;
  replaceChildren(...children: N[]): void;
  querySelector(selector: string): { replaceChildren(...children: N[]): void } | null;
}

/** Shows Paypro's availability in `target`: the banner, nothing, or a quiet line when unreadable. */
export function showPayproBanner<N>(
  target: BannerTarget<N>,
  reply: { status: number; type: string; data?: unknown },
  ui: BannerUi<N>,
): void;
