// cmark allocates a node, a string or a growing buffer thousands of times per letter and frees each again. Here each
// thread takes memory in order from a block of its own: an allocation is a few additions, the buffer allocated last
// grows in place, a free does nothing, and a whole document is given back at once. In C for its thread-local state,
// which Swift can only reach through pthread_getspecific on every call.
#include "document_arena.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// A block starts with the block before it and that block's capacity; each allocation with its size: 16 bytes each.
enum { HEADER = 16, FIRST_CAPACITY = 1 << 20 };

typedef struct block_header {
    char *previous;
    size_t previous_capacity;
} block_header;

static __thread char *block;
static __thread size_t capacity;
static __thread size_t used;

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;

static void free_blocks(void *unused) {
    (void)unused;
    while (block) {
        char *previous = ((block_header *)block)->previous;
        free(block);
        block = previous;
    }
}

static void make_exit_key(void) { pthread_key_create(&exit_key, free_blocks); }

static void add_block(size_t at_least) {
    size_t size = capacity * 2 > at_least ? capacity * 2 : at_least;
    if (size < FIRST_CAPACITY) size = FIRST_CAPACITY;
    char *fresh = malloc(size);
    if (!fresh) {
        fprintf(stderr, "porchlight: out of memory for a Markdown document (%zu bytes)\n", size);
        abort();
    }
    if (!block) {
        // The thread's first block: its blocks are freed when it ends (the key's value only has to be non-null).
        pthread_once(&exit_key_once, make_exit_key);
        pthread_setspecific(exit_key, fresh);
    }
    ((block_header *)fresh)->previous = block;
    ((block_header *)fresh)->previous_capacity = capacity;
    block = fresh;
    capacity = size;
    used = HEADER;
}

static inline size_t rounded(size_t size) { return (size + 15) & ~(size_t)15; }

static void *allocate(size_t size) {
    size_t span = HEADER + rounded(size);
    if (span < size) return NULL;
    if (!block || used + span > capacity) add_block(span + HEADER);
    char *start = block + used;
    used += span;
    *(size_t *)start = size;
    return start + HEADER;
}

document_arena_mark document_arena_mark_now(void) {
    if (!block) add_block(FIRST_CAPACITY);
    document_arena_mark mark = {block, used};
    return mark;
}

void document_arena_release(document_arena_mark mark) {
    while (block != mark.block) {
        block_header *header = (block_header *)block;
        char *previous = header->previous;
        capacity = header->previous_capacity;
        free(block);
        block = previous;
    }
    used = mark.used;
}

void *document_arena_calloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    void *memory = allocate(count * size);
    if (memory) memset(memory, 0, count * size);
    return memory;
}

void *document_arena_realloc(void *memory, size_t size) {
    if (!memory) return allocate(size);
    size_t *old_size = (size_t *)((char *)memory - HEADER);
    size_t old_span = rounded(*old_size);
    // The last allocation grows (or shrinks) where it is.
    if ((char *)memory + old_span == block + used && used - old_span + rounded(size) <= capacity) {
        used = used - old_span + rounded(size);
        *old_size = size;
        return memory;
    }
    if (size <= old_span) {
        *old_size = size;
        return memory;
    }
    void *moved = allocate(size);
    if (moved) memcpy(moved, memory, *old_size);
    return moved;
}

void document_arena_free(void *memory) { (void)memory; }
