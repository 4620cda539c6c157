/* lib/list.h - intrusive doubly-linked circular lists. */
#ifndef SVMHV_LIST_H
#define SVMHV_LIST_H
#include "lib/types.h"

struct list_node {
	struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_node *h) { return h->next == h; }
static inline bool list_linked(const struct list_node *n) { return n->next && n->next != n; }

static inline void list_insert_between(struct list_node *n, struct list_node *p, struct list_node *q)
{
	n->prev = p;
	n->next = q;
	p->next = n;
	q->prev = n;
}
static inline void list_add_tail(struct list_node *h, struct list_node *n) { list_insert_between(n, h->prev, h); }
static inline void list_add_head(struct list_node *h, struct list_node *n) { list_insert_between(n, h, h->next); }
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = n;
}
static inline struct list_node *list_first(const struct list_node *h) { return list_empty(h) ? NULL : h->next; }

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_for_each(it, head) for (struct list_node *it = (head)->next; it != (head); it = it->next)
#define list_for_each_safe(it, tmp, head) \
	for (struct list_node *it = (head)->next, *tmp = it->next; it != (head); it = tmp, tmp = it->next)
#endif
