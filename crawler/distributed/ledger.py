"""Which leased requests are finished: output generated and every item stored."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Lease:
    pending_items: int = 0
    output_done: bool = False


@dataclass
class TicketLedger:
    """Count, per ticket, the items still in the pipelines and whether the callback ended.

    A ticket is settled when its callback (or errback) has produced all its output and every
    item it produced has left the item pipelines (stored, dropped or failed). Events about
    tickets this ledger never opened (or already settled) are ignored.
    """

    leases: dict[str, _Lease] = field(default_factory=dict)

    def open(self, ticket: str) -> None:
        """Start tracking a ticket handed out with a request."""
        self.leases.setdefault(ticket, _Lease())

    def item_entered(self, ticket: str) -> None:
        """An item of this ticket entered the pipelines."""
        if ticket in self.leases:
            self.leases[ticket].pending_items += 1

    def item_left(self, ticket: str) -> bool:
        """An item of this ticket left the pipelines; True when the ticket is now settled."""
        lease = self.leases.get(ticket)
        if lease is None:
            return False
        lease.pending_items = max(0, lease.pending_items - 1)
        return self._settle(ticket)

    def output_done(self, ticket: str) -> bool:
        """The callback of this ticket returned; True when the ticket is now settled."""
        lease = self.leases.get(ticket)
        if lease is None:
            return False
        lease.output_done = True
        return self._settle(ticket)

    def forget(self, ticket: str) -> None:
        """Stop tracking a ticket (its request was replaced or put back in the queue)."""
        self.leases.pop(ticket, None)

    def _settle(self, ticket: str) -> bool:
        lease = self.leases[ticket]
        if lease.output_done and lease.pending_items == 0:
            del self.leases[ticket]
            return True
        return False

    def __len__(self) -> int:
        return len(self.leases)
