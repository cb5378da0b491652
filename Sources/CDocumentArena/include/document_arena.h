// Memory for cmark's documents, one arena per thread (document_arena.c); Sources/Porchlight/Markdown/CommonMark.swift uses it.
#ifndef DOCUMENT_ARENA_H
#define DOCUMENT_ARENA_H
#include <stddef.h>

// Where the calling thread's arena stood; release frees everything allocated since.
typedef struct document_arena_mark {
    void *block;
    size_t used;
} document_arena_mark;

document_arena_mark document_arena_mark_now(void);
void document_arena_release(document_arena_mark mark);

// cmark_mem's three functions.
void *document_arena_calloc(size_t count, size_t size);
void *document_arena_realloc(void *memory, size_t size);
void document_arena_free(void *memory);

#endif
