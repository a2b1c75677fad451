/* What the files of the spt platform share: the manifest's host descriptors, the clocks' set-up. */
#ifndef FATA_PLATFORM_SPT_H
#define FATA_PLATFORM_SPT_H

/* The host descriptor the tender put in manifest entry `handle` (a block file or a tap). */
int spt_hostfd(int handle);

/* Gives the clocks the tender's epoll and timerfd descriptors (time_spt.c); at boot. */
void spt_time_init(int epollfd, int timerfd);

#endif
