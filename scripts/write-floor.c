// The floor under any generator's full build on this machine: makes a copy of a built site's folders and files with
// plain mkdir, open, write and close on two threads, the bytes already in memory. No reading, parsing or rendering.
//
//   cc -O2 -pthread -o write-floor scripts/write-floor.c && ./write-floor BUILT_SITE NEW_FOLDER
//
// Prints "wall_seconds cpu_seconds" of the writing alone (reading the site first is not counted).
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct { char *path; char *bytes; size_t size; } File;

static char **folders; static size_t folderCount, folderCapacity;
static File *files; static size_t fileCount, fileCapacity;
static const char *destination;

static void fail(const char *what, const char *path) { perror(path); fprintf(stderr, "write-floor: cannot %s\n", what); exit(1); }

// Walks the built site: folders before what they hold, every file read into memory.
static void walk(const char *root, const char *relative) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    DIR *dir = opendir(path);
    if (!dir) fail("open a folder", path);
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        char child[4096];
        snprintf(child, sizeof child, "%s%s%s", relative, *relative ? "/" : "", entry->d_name);
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", root, child);
        struct stat st;
        if (stat(full, &st)) fail("stat", full);
        if (S_ISDIR(st.st_mode)) {
            if (folderCount == folderCapacity) folders = realloc(folders, (folderCapacity = folderCapacity * 2 + 64) * sizeof *folders);
            folders[folderCount++] = strdup(child);
            walk(root, child);
        } else {
            if (fileCount == fileCapacity) files = realloc(files, (fileCapacity = fileCapacity * 2 + 64) * sizeof *files);
            File *file = &files[fileCount++];
            file->path = strdup(child);
            file->size = st.st_size;
            file->bytes = malloc(st.st_size + 1);
            int fd = open(full, O_RDONLY);
            if (fd < 0 || read(fd, file->bytes, st.st_size) != st.st_size) fail("read", full);
            close(fd);
        }
    }
    closedir(dir);
}

static void *writeFiles(void *first) {
    char path[4096];
    for (size_t i = (size_t)first; i < fileCount; i += 2) {
        snprintf(path, sizeof path, "%s/%s", destination, files[i].path);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0 || write(fd, files[i].bytes, files[i].size) != (ssize_t)files[i].size) fail("write", path);
        close(fd);
    }
    return NULL;
}

static void *makeFolders(void *unused) {
    (void)unused;
    char path[4096];
    for (size_t i = 0; i < folderCount; i++) {
        snprintf(path, sizeof path, "%s/%s", destination, folders[i]);
        if (mkdir(path, 0755)) fail("make a folder", path);
    }
    return NULL;
}

static double seconds(struct timespec t) { return t.tv_sec + t.tv_nsec / 1e9; }

static double cpuSeconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: write-floor BUILT_SITE NEW_FOLDER\n"); return 2; }
    walk(argv[1], "");
    destination = argv[2];
    struct timespec start, end;
    double cpu = cpuSeconds();
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (mkdir(destination, 0755)) fail("make the folder", destination);
    // Folders first (a file needs its folder), then files on both cores.
    makeFolders(NULL);
    pthread_t other;
    pthread_create(&other, NULL, writeFiles, (void *)1);
    writeFiles((void *)0);
    pthread_join(other, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f %.3f\n", seconds(end) - seconds(start), cpuSeconds() - cpu);
    return 0;
}
