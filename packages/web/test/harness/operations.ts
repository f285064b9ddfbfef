/**
 * @module The Operations page's sections, reached the way an operator does: the menu's
 * "Operations", then a section's link. Tests name the section whose panel they use.
 */
import type { Page } from 'playwright-core';

/** A section's link text, as the page's section menu shows it. */
export const OperationsSection = {
  Zones: 'Zones',
  Risk: 'Strategies & risk',
  Rooms: 'Rooms & players',
  Streams: 'Streams',
  Notifications: 'Notifications',
  Data: 'Data',
} as const;
export type OperationsSection = (typeof OperationsSection)[keyof typeof OperationsSection];

/**
 * Opens `section` of the Operations page from wherever `page` is: through the main menu when it is
 * not on Operations yet, then through the section menu; resolves once the section is the current one.
 */
export async function openOperations(page: Page, section: OperationsSection): Promise<void> {
  const menu = page.getByRole('navigation', { name: 'Operations sections' });
  if (!(await menu.isVisible())) await page.getByRole('link', { name: 'Operations' }).click();
  const link = menu.getByRole('link', { name: section, exact: true });
  await link.click();
  await menu.locator('a[aria-current="page"]', { hasText: section }).waitFor();
}
