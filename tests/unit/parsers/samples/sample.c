#include <stdio.h>
#include <stdlib.h>

#define SQUARE(x) ((x) * (x))

typedef struct node {
  int value;
  struct node *next;
} node_t;

static node_t *push(node_t *head, int value) {
  node_t *n = malloc(sizeof *n);
  if (!n) return head;
  n->value = value;
  n->next = head;
  return n;
}

int main(int argc, char **argv) {
  node_t *list = NULL;
  for (int i = 1; i < argc; ++i) list = push(list, atoi(argv[i]));
  while (list) {
    printf("%d\n", SQUARE(list->value));
    list = list->next;
  }
  return 0;
}
