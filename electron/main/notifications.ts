import { Notification } from 'electron';
import type { AdminEvent } from '../../shared/api/events';
import { createAlertDeduper, describeBudgetAlert, formatResetTime } from './budget-notification';

/** Native notifications for budget alerts the gateway publishes in-process; returns the unsubscribe. */
export function notifyBudgetAlerts(options: {
  subscribe: (listener: (event: AdminEvent) => void) => () => void;
  iconPath: string;
  openWindow: () => void;
}): () => void {
  const dedupe = createAlertDeduper();
  return options.subscribe((event) => {
    if (event.type !== 'budget-alert' || !Notification.isSupported()) return;
    const text = describeBudgetAlert(event, (resetAt) => formatResetTime(resetAt, Date.now()));
    if (!text || !dedupe.isFirst(event)) return;
    const notification = new Notification({ ...text, icon: options.iconPath });
    notification.on('click', options.openWindow);
    notification.show();
  });
}
